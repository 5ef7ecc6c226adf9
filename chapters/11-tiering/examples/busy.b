The alphabet with a busy pause after each letter: a short program whose loops run long
++++++++[>++++++++<-]>+>++++++++++++++++++++++++++[<.+>>++++++++[>-[>++[>+>+<<-]>>[<<+>>-]<<<-]<-]<-]++++++++++.
