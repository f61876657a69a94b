"""Customer voice: satisfaction, tone and the at-risk score."""
