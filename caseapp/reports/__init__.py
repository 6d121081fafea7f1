"""Statistics for coordinators: figures from the data, suppressed before they leave."""
