"""One module per group of PII kinds; each class is one recogniser (see ``analyzer.recognizers``)."""
