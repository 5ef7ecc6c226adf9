two to the right
+>>
three to the left
<<<
