"""Use cases shared by the GUI and the command line; they return plain data objects."""
