off right: walk right until the tape ends

+[>+]    every cell gets a 1 and the walk never finds a zero: with the
         default tape of 30000 cells the error names this move right
