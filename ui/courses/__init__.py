"""课程与活动 page and its forms."""
