Bcv2.bn.running_meanJ"2 ¾”¡ù¾ÿq¾q
G¾