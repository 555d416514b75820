"""Help: what the bot can do, and one command's usage."""
