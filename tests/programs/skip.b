skip: a loop whose cell is zero is skipped entirely

[ This loop never runs: cell 0 starts at zero so none of these
  commands may happen: . , + [ - ] < >
]
++++++[>+++++++++++<-]>.   6 times 11 = 66: print B
