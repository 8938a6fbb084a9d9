"""Data acquisition: demo site, crawl, anonymisation, cleaning, labelling, splits."""
