alphabet: the upper and lower case alphabets on two lines

A multiply loop and a copy loop do the work:
+++++[>+++++++++++++<-]   cell 1 = 5 times 13 = 65: the letter A
>>++++++++++++++++++++++++++   cell 2 = 26: one round per letter
[->>+>+<<<]               copy cell 2 into cells 4 and 5 (cell 2 is now 0)
>>>[-<<<+>>>]             move cell 5 back into cell 2
<<++++++++++              cell 3 = 10: a newline
<[<.+>-]                  26 times: print cell 1 then step to the next letter
>.                        newline
<<++++++                  cell 1 is 91 now: 97 is a
>>>[<<<.+>>>-]            26 more times with the copy in cell 4
<.                        newline
