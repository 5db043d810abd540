typedef long L
