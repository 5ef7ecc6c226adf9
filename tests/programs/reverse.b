reverse: print the input backwards

Each byte goes in a cell of its own; the reading stops at the first cell
the end of input leaves at zero (a fresh cell: so EOF may leave it
unchanged or store zero) and then we walk back printing
>,[>,]<[.<]
