/**
 * The {@code losscl} command line ({@code eval}, {@code devices}, {@code demo}, {@code conformance}):
 * runs from the jar with classifier {@code cli}, which bundles Jackson (the eval protocol's JSON) and
 * Logback (its logs, configured by {@code io/losscl/cli/logback-cli.xml}). Not part of the library's API.
 */
package io.losscl.cli;
