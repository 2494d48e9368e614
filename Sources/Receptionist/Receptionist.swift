public enum ReceptionistModule {}
