"""Human annotation: the review and ranking web app, evaluation-set sampling, storage and aggregation."""
