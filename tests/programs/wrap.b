wrap: cells are bytes that wrap around in both directions

-.        0 minus 1 is 255: prints the byte ff
+.        255 plus 1 is 0: prints the byte 00
+[+].     a loop that only ends when the cell wraps back to 0: prints 00
++++++++++++++++[>++++++++++++++++<-]>.
          16 times 16 is 256 which is 0 in a byte: prints 00
-[-]-.    from 255 down to 0 in a loop then once more to 255: prints ff
