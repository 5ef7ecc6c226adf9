numbers: print 0 to 255 in decimal; one number per line and no leading zeros

The digits are kept as the characters 0 to 9 and counted up like an odometer:
each digit has a countdown cell that reaches zero when the digit needs a carry
and each leading digit has a flag saying it has started (so it is printed)

Cells:  0 A  outer counter (16 rounds)      7 E1 tens countdown
        1 B  inner counter (16 rounds)      8 D0 ones digit
        2 T  scratch                        9 E0 ones countdown
        3 S2 hundreds started               10 F  flag: ones carry
        4 D2 hundreds digit                11 NL newline
        5 S1 tens started                  12 Y  scratch
        6 D1 tens digit                    13 G  flag: tens carry

Setup
>>++++++[->>++++++++>>++++++++>>++++++++<<<<<<]     D2 D1 D0 = 48 (the digit 0)
>>>>>++++++++++>>++++++++++>>++++++++++             E1 E0 NL = 10
<<<<<<<<<<<++++++++++++++++                         A = 16

[>++++++++++++++++[                                 A times B rounds: 256 numbers
  Print (the body starts and ends on B)
  >>[-<+>]<[->+>.<<]                  move S2 into T; if it was set: restore it and print D2
  >>>[-<<<+>>>]<<<[->>>+>.<<<<]       the same for S1 and D1
  >>>>>>.                             D0 always
  >>>.                                newline
  Count
  <<<+>-                              D0 up and E0 down
  >+<[>[-]<[->>>+<<<]]>>>[-<<<+>>>]<<< F = 1 unless E0 is nonzero (E0 is parked in Y and back)
  >[                                  if F: the ones digit passed 9
    -<<----------                     F = 0 and D0 back to 0
    >++++++++++                       E0 = 10
    <<<+>-                            D1 up and E1 down
    <<[-]+                            S1 = 1: tens have started
    >>>>>>>>+<<<<<<[>>>>>>[-]<<<<<<[->>>>>+<<<<<]]>>>>>[-<<<<<+>>>>>]<<<<<
                                      G = 1 unless E1 is nonzero
    >>>>>>[                           if G: the tens digit passed 9
      -<<<<<<<----------              G = 0 and D1 back to 0
      >++++++++++                     E1 = 10
      <<<+                            D2 up
      <[-]+                           S2 = 1: hundreds have started
      >>>>>>>>>>                      back to G
    ]<<<                              back to F
  ]<<<<<<<<<-                         back to B: one round done
]<-]
