unmatched open: a loop that is never closed

+++[>++<-]    this one is fine
[>+           this one is not: the error points at its bracket
