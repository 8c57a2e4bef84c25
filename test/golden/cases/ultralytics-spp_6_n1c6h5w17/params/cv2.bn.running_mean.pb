Bcv2.bn.running_meanJMz]¾@ÞÈ=Y»>gÈ>
å™>R‡¾