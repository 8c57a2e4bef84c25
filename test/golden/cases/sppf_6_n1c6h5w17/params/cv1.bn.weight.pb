Bcv1.bn.weightJ	}%?ì6S?>
?