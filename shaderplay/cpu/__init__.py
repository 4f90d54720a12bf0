"""The network over a picture's pixels on the CPU, for software GL: the numba
evaluator (evaluator), the view modes' values (modes), the colour pass
(colour) and compiling them ahead of the first picture (ahead). Nothing here
touches GL."""
