Bfeatures.3.1.weightJf\4=
Å>T=•Á%¾