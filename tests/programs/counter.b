counter: print the digits 0 to 9 then a newline

++++++++++                cell 0 = 10: how many digits to print
>++++++[>++++++++<-]      cell 2 = 6 times 8 = 48: the digit 0
>>++++++++++              cell 3 = 10: a newline
<<<                       back to cell 0
[>>.+<<-]                 ten times: print cell 2 then add 1 to it
>>>.                      the newline
