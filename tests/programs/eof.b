eof: what a read stores once the input is exhausted

Run it with the input A (one byte and no newline)
,.        reads A and prints it
,.        end of input: prints A again if EOF leaves the cell unchanged
          or 00 if EOF stores zero or ff if EOF stores 255
>,.       the same on a fresh cell: 00 or 00 or ff
