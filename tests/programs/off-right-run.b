off right run: run it with a tape of 8 cells

++++++++++[>+++++++<-]>.   cell 1 = 70: print F
>>>>>     five steps right: now on cell 6
>>>>>     five more: the second reaches cell 8 so it is the error
