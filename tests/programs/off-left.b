off left: moving left of cell 0 is an error

++++++++[>++++++++<-]>+.   cell 1 = 65: print A
>                          cell 2
<<<<                       four steps left: the third one leaves the tape
.                          never runs
