# Marker: a directory with base.py and rules/ is read as a PyPanther package.
