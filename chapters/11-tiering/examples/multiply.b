A multiply loop: eight rounds of adding eight to the next cell, then print it (A).
++++++++[>++++++++<-]>+.
