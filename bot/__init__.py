"""The core: a platform-neutral kernel and one package per command area."""
