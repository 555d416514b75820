"""The web front, seen from the core: ``web`` and ``community visibility`` (commands),
sign-in links and sessions (access), and what each page may show (pages). The pages
themselves are rendered by ``adapters/web``."""
