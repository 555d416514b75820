"""Benchmarks: each module here with a ``main()`` prints measured figures (``make bench``)."""
