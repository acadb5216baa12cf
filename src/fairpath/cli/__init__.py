"""The command line: one module per noun, thin — parse input, call a service, print."""
