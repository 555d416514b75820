"""Threads: replies in the bot's threads (links offered for the repertoire, prompt answers)."""
