"""Google Business Profile reviews: each review a case, answered with the owner's public reply."""

from connectors.google_reviews.connector import GoogleReviewsConnector

__all__ = ["GoogleReviewsConnector"]
