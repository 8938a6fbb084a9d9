"""Scrapy project that crawls counselling Q&A sites from declarative profiles."""
