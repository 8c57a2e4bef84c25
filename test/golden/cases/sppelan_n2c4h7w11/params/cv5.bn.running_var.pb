Bcv5.bn.running_varJP2?/
k?7Lº?«>©?