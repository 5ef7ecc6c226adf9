circle: who leaves a circle of 94 people first

The people are the printable characters from ! to ~ (codes 33 to 126) and
they stand in a circle; going round it every kth one leaves and the program
prints who: for k = 2 then 3 then 5 then 7 then 11 then 13 with a new line
after each round

The circle is a queue: a run of nonzero cells with a zero cell f on its left
and two counters further left
  K  s  0  f  a  b  c  (zero)
K is k minus 1 (the turns passed before one leaves) and s counts them down
To let someone pass a turn the queue rotates: the front a moves to the back
one unit at a time and each unit is a walk from the front to the back (a
scan to the first zero) and a walk back (a scan to the first zero on the
left): the scans are most of the work; the queue and its counters drift one
cell to the right at each rotation and at each departure

Start on cell 3: f; the counters go on its left
>>>

Round k = 2

Build the queue: 94 93 (down to) 1 in a run from f plus 1 on
then add 32 to each walking back to f
>++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++
[[->+>+<<]>>[-<<+>>]<-]
<[++++++++++++++++++++++++++++++++<]
K = 1
<<<+>>>
While the queue is not empty (test its front)
>[<
  s is K: copied through the zero cell left of f
  <<<[->+>+<<]>>[-<<+>>]>
  s times: rotate
  <<[->>
    move the front a into f; a's cell is the new f (call it g)
    >[-<+>]<
    put a 1 at the back so that the scans go past it; come back to f
    >>[>]+[<]<
    carry the units of f to the back one by one
    [->>[>]<+[<]<]
    take the extra 1 back off; end on g
    >>[>]<-[<]
    move s then K one cell right; end on s
    <<<[->+<]<[->+<]>>
  ]>>
  leave: print the front and clear it; its cell is the new f
  >.[-]
  move K one cell right (s is 0 already)
  <<<<[->+<]>>>>
>]<
Clear K and print a new line
<<<[-]>>>++++++++++.[-]

Round k = 3

Build the queue: 94 93 (down to) 1 in a run from f plus 1 on
then add 32 to each walking back to f
>++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++
[[->+>+<<]>>[-<<+>>]<-]
<[++++++++++++++++++++++++++++++++<]
K = 2
<<<++>>>
While the queue is not empty (test its front)
>[<
  s is K: copied through the zero cell left of f
  <<<[->+>+<<]>>[-<<+>>]>
  s times: rotate
  <<[->>
    move the front a into f; a's cell is the new f (call it g)
    >[-<+>]<
    put a 1 at the back so that the scans go past it; come back to f
    >>[>]+[<]<
    carry the units of f to the back one by one
    [->>[>]<+[<]<]
    take the extra 1 back off; end on g
    >>[>]<-[<]
    move s then K one cell right; end on s
    <<<[->+<]<[->+<]>>
  ]>>
  leave: print the front and clear it; its cell is the new f
  >.[-]
  move K one cell right (s is 0 already)
  <<<<[->+<]>>>>
>]<
Clear K and print a new line
<<<[-]>>>++++++++++.[-]

Round k = 5

Build the queue: 94 93 (down to) 1 in a run from f plus 1 on
then add 32 to each walking back to f
>++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++
[[->+>+<<]>>[-<<+>>]<-]
<[++++++++++++++++++++++++++++++++<]
K = 4
<<<++++>>>
While the queue is not empty (test its front)
>[<
  s is K: copied through the zero cell left of f
  <<<[->+>+<<]>>[-<<+>>]>
  s times: rotate
  <<[->>
    move the front a into f; a's cell is the new f (call it g)
    >[-<+>]<
    put a 1 at the back so that the scans go past it; come back to f
    >>[>]+[<]<
    carry the units of f to the back one by one
    [->>[>]<+[<]<]
    take the extra 1 back off; end on g
    >>[>]<-[<]
    move s then K one cell right; end on s
    <<<[->+<]<[->+<]>>
  ]>>
  leave: print the front and clear it; its cell is the new f
  >.[-]
  move K one cell right (s is 0 already)
  <<<<[->+<]>>>>
>]<
Clear K and print a new line
<<<[-]>>>++++++++++.[-]

Round k = 7

Build the queue: 94 93 (down to) 1 in a run from f plus 1 on
then add 32 to each walking back to f
>++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++
[[->+>+<<]>>[-<<+>>]<-]
<[++++++++++++++++++++++++++++++++<]
K = 6
<<<++++++>>>
While the queue is not empty (test its front)
>[<
  s is K: copied through the zero cell left of f
  <<<[->+>+<<]>>[-<<+>>]>
  s times: rotate
  <<[->>
    move the front a into f; a's cell is the new f (call it g)
    >[-<+>]<
    put a 1 at the back so that the scans go past it; come back to f
    >>[>]+[<]<
    carry the units of f to the back one by one
    [->>[>]<+[<]<]
    take the extra 1 back off; end on g
    >>[>]<-[<]
    move s then K one cell right; end on s
    <<<[->+<]<[->+<]>>
  ]>>
  leave: print the front and clear it; its cell is the new f
  >.[-]
  move K one cell right (s is 0 already)
  <<<<[->+<]>>>>
>]<
Clear K and print a new line
<<<[-]>>>++++++++++.[-]

Round k = 11

Build the queue: 94 93 (down to) 1 in a run from f plus 1 on
then add 32 to each walking back to f
>++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++
[[->+>+<<]>>[-<<+>>]<-]
<[++++++++++++++++++++++++++++++++<]
K = 10
<<<++++++++++>>>
While the queue is not empty (test its front)
>[<
  s is K: copied through the zero cell left of f
  <<<[->+>+<<]>>[-<<+>>]>
  s times: rotate
  <<[->>
    move the front a into f; a's cell is the new f (call it g)
    >[-<+>]<
    put a 1 at the back so that the scans go past it; come back to f
    >>[>]+[<]<
    carry the units of f to the back one by one
    [->>[>]<+[<]<]
    take the extra 1 back off; end on g
    >>[>]<-[<]
    move s then K one cell right; end on s
    <<<[->+<]<[->+<]>>
  ]>>
  leave: print the front and clear it; its cell is the new f
  >.[-]
  move K one cell right (s is 0 already)
  <<<<[->+<]>>>>
>]<
Clear K and print a new line
<<<[-]>>>++++++++++.[-]

Round k = 13

Build the queue: 94 93 (down to) 1 in a run from f plus 1 on
then add 32 to each walking back to f
>++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++
[[->+>+<<]>>[-<<+>>]<-]
<[++++++++++++++++++++++++++++++++<]
K = 12
<<<++++++++++++>>>
While the queue is not empty (test its front)
>[<
  s is K: copied through the zero cell left of f
  <<<[->+>+<<]>>[-<<+>>]>
  s times: rotate
  <<[->>
    move the front a into f; a's cell is the new f (call it g)
    >[-<+>]<
    put a 1 at the back so that the scans go past it; come back to f
    >>[>]+[<]<
    carry the units of f to the back one by one
    [->>[>]<+[<]<]
    take the extra 1 back off; end on g
    >>[>]<-[<]
    move s then K one cell right; end on s
    <<<[->+<]<[->+<]>>
  ]>>
  leave: print the front and clear it; its cell is the new f
  >.[-]
  move K one cell right (s is 0 already)
  <<<<[->+<]>>>>
>]<
Clear K and print a new line
<<<[-]>>>++++++++++.[-]
