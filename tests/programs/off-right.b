off right: walk right until the tape ends

+[>+]    every cell gets a 1 and the walk never finds a zero: with the
         tape of 30000 cells (--tape 30000), or when a growing tape
         reaches its limit, the error names this move right
