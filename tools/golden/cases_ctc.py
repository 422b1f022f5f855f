"""ctc_loss cases."""
BUILDERS = {}
