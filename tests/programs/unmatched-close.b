unmatched close: a bracket with nothing to close

+++++++.      this would print a byte if anything ran before the check
]             the error points here
