"""The kernel: registry, context, message model, i18n, parser, resolvers and the core
called by adapters. It imports no area package; areas are found by ``discovery``."""
