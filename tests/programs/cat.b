cat: copy the input to the output until the end of the input

The cell is cleared before each read: at the end of the input a read
leaves it unchanged (the default) or stores zero; either way it is then
zero and the loop ends (with EOF as 255 this would never stop)
,[.[-],]
