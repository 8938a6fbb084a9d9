"""Spiders of the crawl project."""
