"""`python -m crawler.sample_portal` is `python -m crawler.sample_portal.server`."""

from crawler.sample_portal.server import main

if __name__ == "__main__":
    main()
