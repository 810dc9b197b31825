CREATE DATABASE IF NOT EXISTS {db:Identifier} /*optional onCluster*/
