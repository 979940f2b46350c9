"""What people type: request parsing, the help table, and the in-channel dispatcher."""
