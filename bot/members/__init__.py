"""Members: profiles, introductions and the newcomer welcome."""
