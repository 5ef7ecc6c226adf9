infinite: this program never ends; run it with a step limit
+[]
