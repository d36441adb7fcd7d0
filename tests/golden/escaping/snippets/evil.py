print("<script>alert(1)</script>")
print("````")
print("# not a heading")
