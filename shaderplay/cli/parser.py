"""The command line's argument parser."""

import argparse
import re


class Parser(argparse.ArgumentParser):
    """argparse, where a value that starts with "-" and a digit or a point ("--view
    -1,1,-1,1", "--size -64x64", "--lr -.5") is a value, not an option: argparse's
    own rule (only "-5" and "-.5") gave "--size -64x64" its usage text instead of the
    paragraph saying what a size is. No option of ours starts with a digit.
    Every command's parser, bench's kinds' included, is one of these."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-[\d.]")
