-- Whole hours from the edge's: the newest traces of an hour are spread over its ids.

