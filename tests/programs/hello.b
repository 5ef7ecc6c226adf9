Hello World for the Just in Time workbook

Cell 0 counts ten rounds; each round adds 7 to cell 1 and 10 to cell 2 and
3 to cell 3 and 1 to cell 4: so they end at 70 and 100 and 30 and 10
++++++++++[>+++++++>++++++++++>+++>+<<<<-]

>++.                  cell 1: 72 is H
>+.                   cell 2: 101 is e
+++++++..             108 is l; twice
+++.                  111 is o
>++++++++++++++.      cell 3: 44 is a comma
------------.         32 is a space
<<+++++++++++++++.    cell 1: 87 is W
>.                    cell 2: still 111 so o again
+++.                  114 is r
------.               108 is l
--------.             100 is d
>+.                   cell 3: 33 is an exclamation mark
>.                    cell 4: 10 is a newline
