"""Group 2 cases."""
BUILDERS = {}
